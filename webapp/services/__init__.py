"""Services: verb_noun functions that own the transactions. Views call these."""
