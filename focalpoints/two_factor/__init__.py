"""Two-step log-in: a code from an authenticator application after the password."""
