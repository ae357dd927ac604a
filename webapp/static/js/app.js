// Small behaviours htmx does not cover: deadline countdowns, Ctrl+Enter to send. No inline scripts anywhere.
