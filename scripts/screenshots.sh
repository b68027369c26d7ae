#!/usr/bin/env bash
# Starts the real Kring app under a virtual display (Xvfb) on a demo network and saves a
# screenshot of each main screen to docs/screenshots/. Nothing leaves this machine: the demo
# peers talk over 127.0.0.1 only, in offline mode. The virtual display takes a free display
# number, so running this beside another X session never draws into that session's windows.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/install-deps.sh --screenshots
cargo build --locked -p kring
out=docs/screenshots
mkdir -p "$out"
demo=$(mktemp -d)
# A copy of the binary just built: another checkout building into the same target directory
# cannot swap it during the run.
cp "${CARGO_TARGET_DIR:-target}/debug/kring" "$demo/kring"
kring=$demo/kring
serve_pid=""
xvfb_pid=""
cleanup() {
    [ -n "$serve_pid" ] && kill "$serve_pid" 2>/dev/null || true
    [ -n "$xvfb_pid" ] && kill "$xvfb_pid" 2>/dev/null || true
    rm -rf "$demo"
}
trap cleanup EXIT

k() { "$kring" --data-dir "$demo/$1" "${@:2}"; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p" | head -n 1; }

# Dates around today, so that the meeting with notes is always the next one (the session
# screen opens the next meeting) and the others keep their places before and after it.
day() { date -d "$1 days" +%Y-%m-%d; }

# Anna starts a PLG with a session, notes, actions and learning questions.
anna_id=$(k anna network create --name "PLG Rekenen Leiden" --me "Anna de Vries" --perspective teacher --organisation "Da Vinci College" | field member)
session=$(k anna session add --title "Feedback op rekenwerk" --kind plg --date "$(day +3)T15:30" --location "Lokaal 2.14" | field session)
start=$(k anna session add --title "Startbijeenkomst" --kind plg --date "$(day -88)" --location "Mediatheek" | field session)
k anna session add --title "Regiodag" --kind regioteam --date "$(day +45)" --location "Hogeschool Leiden" >/dev/null
k anna session notes --session "$session" --append "Opening: iedereen deelt één voorbeeld van feedback die werkte." >/dev/null
k anna session notes --session "$session" --append "Bram: leerlingen lezen schriftelijke feedback zelden; mondeling werkt beter in klas 2." >/dev/null
k anna session notes --session "$session" --append "Afspraak: we proberen drie weken 'feedback-minuten' en verzamelen voorbeelden." >/dev/null
q1=$(k anna question add --title "Hoe geven we feedback die leerlingen echt lezen?" | field question)
k anna question add --title "Wat helpt zwakke rekenaars om door te zetten?" >/dev/null
q3=$(k anna question add --title "Hoe betrekken we ouders bij rekenen?" | field question)
k anna question vote --question "$q1" >/dev/null
# Action research on the first question, themes, an open action and something in the bin.
cycle=$(k anna question cycle add --question "$q1" --start "$(day -88)" | field cycle)
k anna question cycle write --question "$q1" --cycle "$cycle" --phase plan --append "Drie weken elke les twee 'feedback-minuten'." >/dev/null
k anna question cycle write --question "$q1" --cycle "$cycle" --phase act --append "Klas 2b en 3a; feedback mondeling, kort en op één doel." >/dev/null
k anna question cycle write --question "$q1" --cycle "$cycle" --phase observe --append "Meer leerlingen verbeteren hun werk binnen de les." >/dev/null
k anna question cycle end --question "$q1" --cycle "$cycle" --end "$(day -67)" >/dev/null
k anna question cycle add --question "$q1" --start "$(day -53)" >/dev/null
k anna question details --question "$q1" --append "Schriftelijke feedback wordt weinig gelezen; wat werkt wel?" >/dev/null
k anna session link --session "$session" --question "$q1" >/dev/null
k anna network theme add --theme "feedback" >/dev/null
k anna network theme add --theme "werkplezier" >/dev/null
k anna session theme --session "$session" --theme feedback >/dev/null
k anna question theme --question "$q1" --theme feedback >/dev/null
k anna session action add --session "$session" --text "Voorbeelden van feedback-minuten verzamelen" --due "$(day +17)" >/dev/null
gone=$(k anna session add --title "Extra overleg (dubbel gepland)" --kind plg --date "$(day +5)" | field session)
k anna session delete --session "$gone" >/dev/null
k anna question status --question "$q1" --status central >/dev/null
k anna question status --question "$q3" --status exploring >/dev/null
spring=$(k anna reflection open --title "Voorjaar 2026" | field round)
score() { # who round "factor=score ..."
    for pair in $3; do k "$1" reflection score --round "$2" --factor "${pair%=*}" --score "${pair#*=}" >/dev/null; done
}
score anna "$spring" "shared-goal=3 ownership=2 trust=4 facilitation=2 knowledge-sharing=3 diversity=2 practice=4"

# Bram and Samira join with a ticket while Anna's laptop serves.
"$kring" --data-dir "$demo/anna" serve --offline --bind 127.0.0.1:0 --invite --max-uses 2 >"$demo/serve.out" 2>/dev/null &
serve_pid=$!
for _ in $(seq 100); do grep -q ticket "$demo/serve.out" 2>/dev/null && break; sleep 0.2; done
ticket=$(field ticket <"$demo/serve.out")
[ -n "$ticket" ] || { echo "the demo network could not serve an invitation" >&2; exit 1; }
bram_id=$(k bram join "$ticket" --me "Bram Jansen" --perspective researcher --organisation "Hogeschool Leiden" --offline --bind 127.0.0.1:0 | field member)
samira_id=$(k samira join "$ticket" --me "Samira El Amrani" --perspective student --organisation "Pabo Leiden" --offline --bind 127.0.0.1:0 | field member)
kill "$serve_pid"; wait "$serve_pid" 2>/dev/null || true; serve_pid=""
k anna session attend --session "$session" --status present >/dev/null
# An invitation still open, named for whom it is.
k anna invite --for "Eva de Boer (ouder)" >/dev/null

# Meetings held in the past months and who came (the activity picture on the network page);
# two discussed the first question, so they stand on its timeline.
held() { # days-from-today title linked(yes/no) members...
    local s
    s=$(k anna session add --title "$2" --kind plg --date "$(day "$1")T15:30" --location "Mediatheek" | field session)
    if [ "$3" = yes ]; then k anna session link --session "$s" --question "$q1" >/dev/null; fi
    for member in "${@:4}"; do k anna session attend --session "$s" --member "$member" --status present >/dev/null; done
}
for member in "$anna_id" "$bram_id" "$samira_id"; do
    k anna session attend --session "$start" --member "$member" --status present >/dev/null
done
held -75 "Feedback verzamelen" yes "$anna_id" "$bram_id" "$samira_id"
held -40 "Feedback-minuten evalueren" yes "$anna_id" "$bram_id"
held -19 "Intervisie rekenen" no "$anna_id" "$samira_id"

# Bram and Samira score the spring round on their own laptops; their bundles come back by USB stick.
carry() { k "$1" bundle export "$demo/$1.kring" >/dev/null; k "$2" bundle import "$demo/$1.kring" >/dev/null; }
score bram "$spring" "shared-goal=4 ownership=3 trust=3 facilitation=1 knowledge-sharing=4 diversity=3 practice=3"
score samira "$spring" "shared-goal=2 ownership=2 trust=5 facilitation=3 knowledge-sharing=2 diversity=4 practice=5"
carry bram anna; carry samira anna
k anna reflection close --round "$spring" >/dev/null
autumn=$(k anna reflection open --title "Najaar 2026" | field round)
score anna "$autumn" "shared-goal=4 ownership=3 trust=4 facilitation=3 knowledge-sharing=4 diversity=3 practice=4"
carry anna bram
score bram "$autumn" "shared-goal=5 ownership=4 trust=4 facilitation=2 knowledge-sharing=4 diversity=4 practice=4"
carry bram anna

# Xvfb picks a free display itself and writes its number once it is ready (-displayfd).
Xvfb -displayfd 3 -screen 0 1280x800x24 3>"$demo/display" >/dev/null 2>&1 &
xvfb_pid=$!
for _ in $(seq 100); do [ -s "$demo/display" ] && break; sleep 0.1; done
[ -s "$demo/display" ] || { echo "the virtual display (Xvfb) did not start" >&2; exit 1; }
display=":$(head -n 1 "$demo/display")"
echo "virtual display $display"
shoot() {
    local name=$1 data=$2; shift 2
    DISPLAY=$display XDG_DATA_HOME="$demo/xdg" env -u WAYLAND_DISPLAY "$kring" --data-dir "$demo/$data" --offline "$@" >/dev/null 2>&1 &
    local app=$!
    # The window opens at its own first size; sized to a 1280 × 720 laptop screen, at the top
    # left of the virtual screen.
    local window
    window=$(DISPLAY=$display timeout 30 xdotool search --sync --pid "$app" | head -n 1)
    [ -n "$window" ] || { echo "the window for $name did not open" >&2; exit 1; }
    DISPLAY=$display xdotool windowsize "$window" 1280 720
    sleep "${SHOT_DELAY:-6}"
    DISPLAY=$display import -window root -crop 1280x720+0+0 +repage "$out/$name.png"
    kill "$app"; wait "$app" 2>/dev/null || true
    echo "saved $out/$name.png"
}
mkdir -p "$demo/new"
shoot first-start new
shoot sessions anna --screen sessions
# After Anna looked, Bram adds to the notes on his laptop: the next window shows what changed.
k bram session notes --session "$session" --append "Bram: ik neem voorbeelden mee uit klas 2b." >/dev/null
carry bram anna
shoot session anna --screen session
# A photo of the flip-chart with the group's sticky notes, hung on that meeting: its thumbnail
# shows under the notes.
convert -size 960x720 xc:'#f7f5ee' \
    -fill '#fff27a' -draw 'rectangle 90,110 330,330' -draw 'rectangle 620,400 860,620' \
    -fill '#ffb3c7' -draw 'rectangle 360,130 600,350' \
    -fill '#a8dcff' -draw 'rectangle 640,120 880,340' -draw 'rectangle 110,400 350,620' \
    -fill '#b9f0b0' -draw 'rectangle 380,410 600,630' \
    -stroke '#3a5a9a' -strokewidth 6 -draw 'line 60,60 900,60' "$demo/flip-over.png"
k anna attach --session "$session" "$demo/flip-over.png" >/dev/null
shoot attachments anna --screen session
shoot questions anna --screen questions
shoot reflection anna --screen reflection
shoot members anna --screen members
shoot settings anna --screen settings
shoot question anna --screen question
shoot actions anna --screen actions
shoot network anna --screen network
shoot bin anna --screen bin
# Two screens in English too.
k anna settings --language en >/dev/null
shoot sessions-en anna --screen sessions
shoot question-en anna --screen question
k anna settings --language nl >/dev/null
