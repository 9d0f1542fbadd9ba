# Build and install grokmirror-swift the way distributions expect:
#   make && make install PREFIX=/usr/local DESTDIR=/tmp/stage
# installs grok-manifest, grok-pull, grok-fsck, grok-push, grok-serve, grok-dumb-pull, grok-bundle, grok-pi-piper and grok-pi-indexer, their man pages,
# bash/zsh/fish completions, the example config, the systemd units (with
# the sysusers.d entry for their user) and the logrotate config.

PREFIX     ?= /usr/local
DESTDIR    ?=
SYSCONFDIR ?= /etc
BINDIR     ?= $(PREFIX)/bin
MANDIR     ?= $(PREFIX)/share/man
DOCDIR     ?= $(PREFIX)/share/doc/grokmirror-swift
UNITDIR    ?= $(PREFIX)/lib/systemd/system
SYSUSERSDIR ?= $(PREFIX)/lib/sysusers.d
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions
ZSHCOMPDIR ?= $(PREFIX)/share/zsh/site-functions
FISHCOMPDIR ?= $(PREFIX)/share/fish/vendor_completions.d

SWIFT      ?= swift
SWIFTFLAGS ?= -c release
TOOLS      := grok-manifest grok-pull grok-fsck grok-push grok-serve grok-dumb-pull grok-bundle grok-pi-piper grok-pi-indexer
# A directory of already built tools; empty means build them here.
BINARIES   ?=
BUILT       = $(or $(BINARIES),$(shell $(SWIFT) build $(SWIFTFLAGS) --show-bin-path))

.PHONY: all build install uninstall
all: build

build:
	$(SWIFT) build $(SWIFTFLAGS)

install: $(if $(BINARIES),,build)
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(DOCDIR) $(DESTDIR)$(UNITDIR) \
	    $(DESTDIR)$(SYSUSERSDIR) $(DESTDIR)$(SYSCONFDIR)/logrotate.d \
	    $(DESTDIR)$(BASHCOMPDIR) $(DESTDIR)$(ZSHCOMPDIR) $(DESTDIR)$(FISHCOMPDIR)
	bin="$(BUILT)"; for tool in $(TOOLS); do \
	    install -m 0755 "$$bin/$$tool" $(DESTDIR)$(BINDIR)/$$tool; \
	    install -m 0644 man/$$tool.1 $(DESTDIR)$(MANDIR)/man1/$$tool.1; \
	    "$$bin/$$tool" --generate-completion-script bash > $(DESTDIR)$(BASHCOMPDIR)/$$tool; \
	    "$$bin/$$tool" --generate-completion-script zsh > $(DESTDIR)$(ZSHCOMPDIR)/_$$tool; \
	    "$$bin/$$tool" --generate-completion-script fish > $(DESTDIR)$(FISHCOMPDIR)/$$tool.fish; \
	done
	install -m 0644 grokmirror.conf.example README.md $(DESTDIR)$(DOCDIR)/
	for unit in grok-pull@.service grok-fsck@.service grok-fsck@.timer grok-serve@.service; do \
	    sed 's|@BINDIR@|$(BINDIR)|g' contrib/systemd/$$unit > $(DESTDIR)$(UNITDIR)/$$unit; \
	    chmod 0644 $(DESTDIR)$(UNITDIR)/$$unit; \
	done
	install -m 0644 contrib/systemd/grokmirror.sysusers $(DESTDIR)$(SYSUSERSDIR)/grokmirror.conf
	install -m 0644 contrib/logrotate/grokmirror $(DESTDIR)$(SYSCONFDIR)/logrotate.d/grokmirror

uninstall:
	for tool in $(TOOLS); do \
	    rm -f $(DESTDIR)$(BINDIR)/$$tool $(DESTDIR)$(MANDIR)/man1/$$tool.1 $(DESTDIR)$(BASHCOMPDIR)/$$tool \
	          $(DESTDIR)$(ZSHCOMPDIR)/_$$tool $(DESTDIR)$(FISHCOMPDIR)/$$tool.fish; \
	done
	rm -f $(DESTDIR)$(UNITDIR)/grok-pull@.service $(DESTDIR)$(UNITDIR)/grok-fsck@.service $(DESTDIR)$(UNITDIR)/grok-fsck@.timer \
	      $(DESTDIR)$(UNITDIR)/grok-serve@.service \
	      $(DESTDIR)$(SYSUSERSDIR)/grokmirror.conf $(DESTDIR)$(SYSCONFDIR)/logrotate.d/grokmirror
	rm -rf $(DESTDIR)$(DOCDIR)
