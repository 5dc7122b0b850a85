"""Self-service for civil servants: catalogue, enrolment, schedule, training record."""
