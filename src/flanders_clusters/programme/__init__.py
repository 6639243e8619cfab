"""The programme's rules, pure: time (status, funded time), money (yearly support),
identity (enterprise numbers, seats), members, the effective policy, and the rules."""
