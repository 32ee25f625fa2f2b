"""The Secretariat's queue of designations waiting for its acknowledgement."""
