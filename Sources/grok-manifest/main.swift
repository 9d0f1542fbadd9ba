import GrokKit
print(GrokVersion.versionString)
