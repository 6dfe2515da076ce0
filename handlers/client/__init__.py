"""Customers' flows: reporting a breakdown, requests, status and conversation, sign-off."""
