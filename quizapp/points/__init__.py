"""Member points (党员积分): rules, the ledger, manual entries and their approval."""
