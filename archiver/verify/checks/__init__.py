"""Checks added with the capture stage, one module each. Like the checks in
`archiver.verify`, each takes plain data and returns a `verify.Result`."""
