"""Writers: turn a rendered `generator.document.Document` into files."""
