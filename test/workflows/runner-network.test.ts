import assert from "node:assert/strict";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Fake, fakeGitHub } from "./github-fake";
import { scriptsDir } from "./workflow-files";

type Outcome = "created" | "updated" | "unchanged";
const script = require(path.join(scriptsDir, "runner-network.cjs")) as {
    ensureRunnerNetwork(
        tools: Pick<Fake, "github" | "core">,
        options: Record<string, unknown>,
    ): Promise<{ networkConfiguration: Outcome; runnerGroup: Outcome; hostedRunner: Outcome }>;
};

const options = {
    org: "acme",
    repository: "entra-postgres",
    name: "entra-postgres-corp",
    networkSettingsId: "3F1B2C4D5E6A7B8C9D0E",
    repositoryId: 4242,
    image: "ubuntu-24.04",
    size: "4-core",
    maximumRunners: 2,
};

const writes = (fake: Fake) => fake.calls.filter((c) => !c.endpoint.startsWith("GET ")).map((c) => c.endpoint.split(" ")[0] + " " + c.endpoint.split("/").slice(3).join("/"));

describe("runner-network.cjs", () => {
    it("creates the network configuration, the runner group on it and a hosted runner in the group", async () => {
        const fake = fakeGitHub();
        const result = await script.ensureRunnerNetwork(fake, options);

        assert.deepEqual(result, { networkConfiguration: "created", runnerGroup: "created", hostedRunner: "created" });
        const [configuration] = fake.networkConfigurations;
        assert.deepEqual(configuration.network_settings_ids, ["3F1B2C4D5E6A7B8C9D0E"]);
        assert.equal(configuration.name, "entra-postgres-corp");
        assert.equal(configuration.compute_service, "actions");
        const [group] = fake.runnerGroups;
        assert.equal(group.name, "entra-postgres-corp");
        assert.equal(group.network_configuration_id, configuration.id);
        assert.equal(group.visibility, "selected");
        assert.deepEqual(group.selected_repository_ids, [4242], "only this repository may use the group");
        assert.equal(group.allows_public_repositories, false);
        assert.equal(group.restricted_to_workflows, true, "only the selected workflows");
        assert.deepEqual(group.selected_workflows, ["acme/entra-postgres/.github/workflows/pulumi-stack.yml@refs/heads/main"]);
        const [runner] = fake.hostedRunners;
        assert.equal(runner.runner_group_id, group.id);
        assert.deepEqual(runner.image, { id: "ubuntu-24.04", source: "github" });
        assert.equal(runner.size, "4-core");
        assert.equal(runner.maximum_runners, 2);
        assert.ok(fake.calls.every((c) => c.args.org === "acme"));
    });

    it("changes nothing when everything already points at the network settings (a second run)", async () => {
        const fake = fakeGitHub();
        await script.ensureRunnerNetwork(fake, options);
        const before = fake.calls.length;
        const result = await script.ensureRunnerNetwork(fake, options);

        assert.deepEqual(result, { networkConfiguration: "unchanged", runnerGroup: "unchanged", hostedRunner: "unchanged" });
        assert.deepEqual(writes({ ...fake, calls: fake.calls.slice(before) }), [], "only reads");
        assert.equal(fake.networkConfigurations.length, 1);
        assert.equal(fake.runnerGroups.length, 1);
        assert.equal(fake.hostedRunners.length, 1);
    });

    it("adopts what already exists by name: points the configuration at a changed networkSettings id, the group at it", async () => {
        const fake = fakeGitHub();
        fake.networkConfigurations.push(
            { id: "NC1", name: "other", compute_service: "actions", network_settings_ids: ["AAAA"] },
            { id: "NC2", name: "entra-postgres-corp", compute_service: "actions", network_settings_ids: ["OLD-ID"] },
        );
        fake.runnerGroups.push({
            id: 7, name: "entra-postgres-corp", visibility: "selected", selected_repository_ids: [4242], network_configuration_id: "NC1",
            allows_public_repositories: false, restricted_to_workflows: true, selected_workflows: ["acme/entra-postgres/.github/workflows/pulumi-stack.yml@refs/heads/main"],
        });
        fake.hostedRunners.push({ id: 9, name: "entra-postgres-corp", runner_group_id: 1 });
        const result = await script.ensureRunnerNetwork(fake, options);

        assert.deepEqual(result, { networkConfiguration: "updated", runnerGroup: "updated", hostedRunner: "updated" });
        assert.deepEqual(fake.networkConfigurations.find((c) => c.id === "NC2")!.network_settings_ids, ["3F1B2C4D5E6A7B8C9D0E"]);
        assert.deepEqual(fake.networkConfigurations.find((c) => c.id === "NC1")!.network_settings_ids, ["AAAA"], "another configuration is left alone");
        assert.equal(fake.runnerGroups[0].network_configuration_id, "NC2");
        assert.equal(fake.hostedRunners[0].runner_group_id, 7);
        assert.deepEqual(writes(fake).sort(), [
            "PATCH actions/hosted-runners/{hosted_runner_id}",
            "PATCH actions/runner-groups/{runner_group_id}",
            "PATCH settings/network-configurations/{network_configuration_id}",
        ]);
        assert.equal(fake.networkConfigurations.length, 2, "nothing created twice");
    });

    it("finds an existing configuration beyond the first page", async () => {
        const fake = fakeGitHub();
        for (let i = 0; i < 120; i++) {
            fake.networkConfigurations.push({ id: `X${i}`, name: `config-${i}`, compute_service: "actions", network_settings_ids: [`S${i}`] });
        }
        fake.networkConfigurations.push({ id: "LAST", name: "entra-postgres-corp", compute_service: "actions", network_settings_ids: ["3F1B2C4D5E6A7B8C9D0E"] });
        const result = await script.ensureRunnerNetwork(fake, options);
        assert.equal(result.networkConfiguration, "unchanged");
        assert.equal(fake.runnerGroups[0].network_configuration_id, "LAST");
    });

    it("restricts again a runner group someone opened to all repositories, all workflows or another branch", async () => {
        for (const open of [
            { visibility: "all" },
            { restricted_to_workflows: false },
            { selected_workflows: ["acme/entra-postgres/.github/workflows/pulumi-stack.yml@refs/heads/feature"] },
            { allows_public_repositories: true },
            { selected_repository_ids: [4242, 99] },
        ]) {
            const fake = fakeGitHub();
            await script.ensureRunnerNetwork(fake, options);
            Object.assign(fake.runnerGroups[0], open);
            const result = await script.ensureRunnerNetwork(fake, options);
            assert.equal(result.runnerGroup, "updated", JSON.stringify(open));
            const [group] = fake.runnerGroups;
            assert.deepEqual(
                [group.visibility, group.allows_public_repositories, group.restricted_to_workflows, group.selected_workflows, group.selected_repository_ids],
                ["selected", false, true, ["acme/entra-postgres/.github/workflows/pulumi-stack.yml@refs/heads/main"], [4242]],
                JSON.stringify(open),
            );
        }
    });

    it("refuses a runner group .github/delivery.json does not declare", async () => {
        const fake = fakeGitHub();
        await assert.rejects(script.ensureRunnerNetwork(fake, { ...options, name: "entra-postgres-staging" }), /runner group 'entra-postgres-staging' is not declared in \.github\/delivery\.json/);
    });

    it("refuses a missing network settings id (the network phase produced none) before any call", async () => {
        const fake = fakeGitHub();
        await assert.rejects(script.ensureRunnerNetwork(fake, { ...options, networkSettingsId: "" }), /networkSettingsId is required/);
        await assert.rejects(script.ensureRunnerNetwork(fake, { ...options, name: "bad name" }), /not a valid network configuration or runner name/);
        assert.deepEqual(fake.calls, []);
    });
});
