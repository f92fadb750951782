"""The pure sentiment engine: text, architectures, training, bundles, prediction."""
