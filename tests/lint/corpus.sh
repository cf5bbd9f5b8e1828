# tests/lint/corpus.sh: sourced by tests/lint/run-check and used by hand;
# lintargs FILE MODE PRE PL INC DEFS prints the sbpl-lint arguments of a
# row of tests/corpus/params.tsv, one a line: every input but the last
# becomes --prelude (LINT.md §1), the options as the row says.
lintargs() {
	build "$@"
	cat "$tmp/args"
	case $3 in *prepend-version*)
		echo "--fragment"
		grep -v "^$tmp/version.sb\$" "$tmp/inputs" > "$tmp/inputs.f"
		mv "$tmp/inputs.f" "$tmp/inputs" ;;
	esac
	n=$(wc -l < "$tmp/inputs")
	i=0
	while IFS= read -r in; do
		i=$((i+1))
		if [ $i -lt $n ]; then echo "--prelude=$in"; else echo "$in"; fi
	done < "$tmp/inputs"
}

# corpus_rows: the rows to lint, tab-separated (file mode pre pl inc defs)
corpus_rows() {
	grep -v '^#' "$table" | tail -n +2 | while IFS="$(printf '\t')" read -r file mode pre pl params optional inc variants expect; do
		[ -n "$file" ] || continue
		[ "$expect" = ok ] || continue
		all=$params
		[ "$optional" != - ] && all="$all;$optional"
		[ "$all" = "-" ] && all=
		all=${all#-;}
		printf '%s\t%s\t%s\t%s\t%s\t%s\n' "$file" "$mode" "$pre" "$pl" "$inc" "$all"
	done
}
