#!/usr/bin/env bash
# Opens, then removes, a firewall rule on a public server for this runner's own address, so that the
# PostgreSQL role provider can reach the server during refresh and deploy. The stack does not manage the
# rule, so it never shows up as drift.
#
#   runner-firewall-rule.sh open    needs STACK (as `pulumi --stack` takes it) and RULE_NAME
#   runner-firewall-rule.sh close   removes the rule `open` recorded in $GITHUB_ENV, if any
#
# `open` does nothing while the stack has no server (before its first deploy). It writes `opened=true|false`
# to $GITHUB_OUTPUT and records the rule as RUNNER_FIREWALL_RULE in $GITHUB_ENV for `close` *before* asking Azure
# to create it: a run cancelled while the create is under way still removes it. `close` removes the recorded
# rule, and counts one that Azure never created (`show` exits 3 for a missing resource) as removed.
set -euo pipefail
# A failing `pulumi` inside $(...) must stop the script, not read as "no server".
shopt -s inherit_errexit

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

find_server() {
    local found
    found="$(pulumi stack output --json --stack "$STACK" | node "$here/stack-server.cjs" outputs)"
    if [ -z "$found" ]; then
        found="$(pulumi stack export --stack "$STACK" | node "$here/stack-server.cjs" state)"
    fi
    printf '%s' "$found"
}

open_rule() {
    : "${STACK:?STACK must name the stack}"
    : "${RULE_NAME:?RULE_NAME must name the firewall rule}"
    if [[ ! "$RULE_NAME" =~ ^[A-Za-z0-9_-]{1,128}$ ]]; then
        echo "::error::RULE_NAME '$RULE_NAME' is not a valid firewall rule name (letters, digits, '-', '_', at most 128)."
        exit 1
    fi

    local found resource_group server ip
    found="$(find_server)"
    if [ -z "$found" ]; then
        echo "::notice::Stack $STACK has no server yet: no temporary firewall rule is needed."
        echo "opened=false" >>"$GITHUB_OUTPUT"
        return 0
    fi
    IFS=$'\t' read -r resource_group server <<<"$found"

    # The runner's public IPv4 address, as the server sees it (https://api.ipify.org answers with just that).
    ip="$(curl -fsS --retry 3 --max-time 20 https://api.ipify.org)"
    if [[ ! "$ip" =~ ^([0-9]{1,3}\.){3}[0-9]{1,3}$ ]]; then
        echo "::error::Could not read this runner's public IPv4 address (api.ipify.org answered '$ip')."
        exit 1
    fi

    # Recorded first: from here on the clean-up step knows the rule, whatever happens to this step.
    echo "RUNNER_FIREWALL_RULE=$resource_group/$server/$RULE_NAME" >>"$GITHUB_ENV"
    echo "Allowing $ip through the firewall of $server (resource group $resource_group) as rule $RULE_NAME."
    az postgres flexible-server firewall-rule create \
        --resource-group "$resource_group" --name "$server" --rule-name "$RULE_NAME" \
        --start-ip-address "$ip" --end-ip-address "$ip" --output none
    echo "opened=true" >>"$GITHUB_OUTPUT"
}

close_rule() {
    local rule="${RUNNER_FIREWALL_RULE:-}"
    if [ -z "$rule" ]; then
        echo "No temporary firewall rule was opened."
        return 0
    fi
    local resource_group server name status=0
    IFS=/ read -r resource_group server name <<<"$rule"
    # Azure CLI `show` commands exit with 3 when the resource does not exist (Azure CLI 2.1.0 release notes).
    az postgres flexible-server firewall-rule show \
        --resource-group "$resource_group" --name "$server" --rule-name "$name" --output none 2>/dev/null || status=$?
    if [ "$status" -eq 3 ]; then
        echo "Temporary firewall rule $name was never created on $server: nothing to remove."
        echo "RUNNER_FIREWALL_RULE=" >>"$GITHUB_ENV"
        return 0
    fi
    echo "Removing temporary firewall rule $name from $server (resource group $resource_group)."
    if ! az postgres flexible-server firewall-rule delete \
        --resource-group "$resource_group" --name "$server" --rule-name "$name" --yes --output none; then
        echo "::error::The temporary firewall rule $name is still open on $server. Remove it: az postgres flexible-server firewall-rule delete --resource-group $resource_group --name $server --rule-name $name --yes"
        exit 1
    fi
    echo "RUNNER_FIREWALL_RULE=" >>"$GITHUB_ENV"
}

case "${1:-}" in
open) open_rule ;;
close) close_rule ;;
*)
    echo "usage: $0 open|close" >&2
    exit 2
    ;;
esac
