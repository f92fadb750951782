"""Reliability: faults, hostile input, rate limits, hardening, storms, properties."""
