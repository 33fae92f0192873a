"""Coalition posture: loading, checking, transforming and charting the curated dataset."""
