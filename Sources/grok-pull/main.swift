import GrokKit
import Glibc

// Placeholder until this tool's issue lands: fail loudly instead of pretending.
StandardError.write("grok-pull: not implemented yet (grokmirror-swift \(GrokVersion.version))")
exit(2)
