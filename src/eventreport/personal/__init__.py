"""The personal-data scan over what a report publishes, and the hits accepted in privacy.yaml."""
