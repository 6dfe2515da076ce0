"""Test helpers: personas, factories, the flow chat, sandbox drivers (nothing named test_*)."""
