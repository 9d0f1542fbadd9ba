import GrokKit
import Glibc

// Placeholder until this tool's issue lands: fail loudly instead of pretending.
StandardError.write("grok-fsck: not implemented yet (grokmirror-swift \(GrokVersion.version))")
exit(2)
