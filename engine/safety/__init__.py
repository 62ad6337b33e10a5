"""What keeps a hostile course harmless: files it may refer to (`coursefiles`), names that
become files in a package (`names`), inert SVG (`svg`) and control characters (`controls`)."""
