"""Stand-ins for external systems that this machine cannot run for real."""
