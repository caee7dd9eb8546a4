"""ledgerkit: a small double-entry bookkeeping and invoicing library."""

__version__ = '0.4.2'
