"""Views of the complaints app, one module per area: complaints, CAPAs, customers."""
