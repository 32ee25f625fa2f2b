"""The national biodiversity working group: members, meetings, decisions and follow-up."""
