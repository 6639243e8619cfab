"""The file system, treated as hostile: the lowest layer above ``errors``.

``regular`` opens a path only when it is a regular file (a FIFO, a device or a socket
is refused before it can block or never end); ``durable`` is the one way a file is
written in place of another — the registry, the site's marker and journal, every
``--output`` — through an exclusive temporary beside it, flushed to disk with its
folder; ``owners`` names a file's user and group for messages.
"""
