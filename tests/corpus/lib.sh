# tests/corpus/lib.sh: how a row of tests/corpus/params.tsv becomes the
# inputs and options of one evaluation (README.md beside this file).
# Sourced by run-eval and tests/query/run, with $corpus, $preludes,
# $table and $tmp set; build() leaves the options in $tmp/args and the
# inputs in $tmp/inputs, one a line, in evaluation order.

row() {     # row FILE: print the row of FILE
	awk -F'\t' -v f="$1" '$1 == f' "$table"
}

subst() {   # subst TEXT: expand $CORPUS and $PRELUDES
	printf '%s' "$1" | sed "s|\\\$CORPUS|$corpus|g; s|\\\$PRELUDES|$preludes|g"
}

# prepare FILE PRE: print the path of FILE after its text pre-steps
prepare() {
	f=$1; pre=$2
	case $pre in
	-|prepend-version) echo "$f"; return ;;
	esac
	out="$tmp/prep/$f"
	mkdir -p "$(dirname "$out")"
	cp "$corpus/$f" "$out"
	old_ifs=$IFS; IFS=';'
	for step in $pre; do
		case $step in
		subst:*)
			kv=${step#subst:}; k=${kv%%=*}; v=${kv#*=}
			sed "s|$k|$v|g" "$out" > "$out.t" && mv "$out.t" "$out" ;;
		strip-rawstring-wrapper)
			sed '1s|^R""(|    |; $s|)""$|   |' "$out" > "$out.t" && mv "$out.t" "$out" ;;
		esac
	done
	IFS=$old_ifs
	echo "$out"
}

# build the argument list of a row into $tmp/args (one per line)
build() {
	file=$1 mode=$2 pre=$3 pl=$4 inc=$5 defs=$6
	: > "$tmp/args"
	cpp=
	case $mode in *cpp*) cpp=1 ;; esac
	case $pre in *prepend-version*) echo "$tmp/version.sb" >> "$tmp/inputs" ;; esac
	inputs=
	: > "$tmp/inputs"
	case $pre in *prepend-version*) echo "$tmp/version.sb" >> "$tmp/inputs" ;; esac
	case $mode in
	after:*)
		base=${mode#after:}
		brow=$(row "$base")
		bmode=$(echo "$brow" | cut -f2); bpre=$(echo "$brow" | cut -f3)
		case $bmode in *cpp*) cpp=1 ;; esac
		case $bpre in *prepend-version*) echo "$tmp/version.sb" >> "$tmp/inputs" ;; esac
		prepare "$base" "$bpre" >> "$tmp/inputs" ;;
	esac
	if [ "$pl" != - ]; then
		old_ifs=$IFS; IFS=';'
		for p in $pl; do echo "$preludes/$p" >> "$tmp/inputs"; done
		IFS=$old_ifs
	fi
	prepare "$file" "$pre" >> "$tmp/inputs"
	[ -n "$cpp" ] && echo "--cpp" >> "$tmp/args"
	if [ "$inc" != - ]; then
		old_ifs=$IFS; IFS=';'
		for d in $(subst "$inc"); do echo "-I" >> "$tmp/args"; echo "$d" >> "$tmp/args"; done
		IFS=$old_ifs
	fi
	old_ifs=$IFS; IFS=';'
	for d in $defs; do
		[ -n "$d" ] && [ "$d" != - ] && { echo "-D" >> "$tmp/args"; subst "$d" >> "$tmp/args"; echo >> "$tmp/args"; }
	done
	IFS=$old_ifs
}

