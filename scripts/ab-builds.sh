# ab-builds: sourced by the scripts that measure a change against its base
# (bench-check.sh, bench-startup.sh), which define fail() first.
#
# ab_builds NAME: builds corobench at BASE (default: the merge-base of HEAD
# with origin/main, else main) and from the working tree, each with its own
# Makefile's `build` target, as it ships (the build flags change how fast
# the process model's children start), in a directory of its own (the
# child program goes beside corobench). It sets base (the commit), tmp (a directory
# removed at exit), and a and b, the two corobench binaries.
ab_builds() {
	local name=$1 ref
	base=${BASE:-}
	if [ -z "$base" ]; then
		for ref in origin/main main; do
			if base=$(git merge-base HEAD "$ref" 2>/dev/null); then break; fi
			base=
		done
	fi
	[ -n "$base" ] || fail "no merge-base with origin/main or main; set BASE=<commit>"
	base=$(git rev-parse --verify "$base^{commit}") || fail "BASE $base is not a commit"

	tmp=$(mktemp -d) || fail "mktemp"
	trap ab_cleanup EXIT
	mkdir -p "$tmp/a" "$tmp/b" || fail "mkdir"
	a=$tmp/a/corobench b=$tmp/b/corobench
	echo "$name: A = $(git rev-parse --short "$base"), B = working tree of $(git rev-parse --short HEAD)" >&2
	git worktree add --detach --quiet "$tmp/base" "$base" || fail "git worktree add $base"
	make -s -C "$tmp/base" build BIN="$a" >&2 || fail "build of A ($base) failed"
	make -s build BIN="$b" >&2 || fail "build of B (working tree) failed"
}

# ab_cleanup removes the base's worktree and tmp.
ab_cleanup() {
	git worktree remove --force "$tmp/base" >/dev/null 2>&1
	rm -rf "$tmp"
}
