"""The search box over everything (Ctrl+K from any page) and what opens its results."""
