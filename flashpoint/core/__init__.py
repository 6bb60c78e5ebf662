"""The shell's own pages: home, health check, error pages and security headers."""
