"""Teacher Leadership Roadmap planner: all logic, importable without Streamlit."""
