"""The reporting calendar: national report deadlines and each country's progress on them."""
