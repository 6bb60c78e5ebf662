"""People and teams: accounts, roles, sign-in and the admin pages that manage them."""
