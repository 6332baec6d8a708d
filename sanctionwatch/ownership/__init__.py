"""Ownership and networks: the 50 % rule, ownership chains, and values shared with listed parties."""
