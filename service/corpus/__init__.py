"""The corpus: the article store (SQLite), the file formats it imports and exports, the importer."""
