"""Reading the inbox: file formats, decoding, and the watcher that takes finished files into Postgres."""
