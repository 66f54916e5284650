"""Study mode: decks and cards built from the read model, their scoring, pictures and exports (issue 13)."""
