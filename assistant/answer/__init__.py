"""Hits -> Answer: compose a cited answer, or abstain, and check every figure."""
