// Opens and saves Karavan files the way Karavan does: each *.camel.yaml and *.kamelet.yaml is parsed
// with karavan-core's CamelDefinitionYaml.yamlToIntegration and written back with integrationToYaml,
// unchanged otherwise. Usage: node --import tsx roundtrip.mts OUT_DIR FILE...
// Each FILE is written to OUT_DIR under its own name; a file Karavan cannot read fails the run, naming it.
import { CamelDefinitionYaml } from 'karavan-core/src/core/api/CamelDefinitionYaml';
import * as fs from 'node:fs';
import * as path from 'node:path';

const [outDir, ...files] = process.argv.slice(2);
if (!outDir || files.length === 0) {
    console.error('usage: node --import tsx roundtrip.mts OUT_DIR FILE...');
    process.exit(2);
}
fs.mkdirSync(outDir, { recursive: true });
let failed = 0;
for (const file of files) {
    const name = path.basename(file);
    try {
        const integration = CamelDefinitionYaml.yamlToIntegration(name, fs.readFileSync(file, 'utf8'));
        if (integration.type === 'kamelet' ? false : (integration.spec.flows ?? []).length === 0) {
            throw new Error('Karavan found no elements in it');
        }
        fs.writeFileSync(path.join(outDir, name), CamelDefinitionYaml.integrationToYaml(integration));
        console.log(`saved ${name} (${integration.type})`);
    } catch (e) {
        failed++;
        console.error(`${file}: Karavan cannot open it: ${(e as Error).stack ?? e}`);
    }
}
process.exit(failed === 0 ? 0 : 1);
