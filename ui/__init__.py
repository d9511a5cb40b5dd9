"""Streamlit glue: session keys, cached resources and small drawing helpers shared by the pages."""
