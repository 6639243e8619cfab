"""The programme's rules, pure: time (``periods``: status, funded time), money (yearly
support), enterprises (names compared, seats), members, participation in events, label
validity, the effective policy, and the rules (``rules``)."""
