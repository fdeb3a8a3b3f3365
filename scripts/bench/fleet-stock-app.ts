/**
 * The benchmark fleet through a stock cdk8s project's path: `cdk8s synth` runs this file with
 * ts-node (type-checking it) and cdk8s' own `app.synth()` writes the YAML.
 */
import { App } from 'cdk8s';
import { buildFleet } from './fleet';

const app = new App();
buildFleet(app, Number(process.env.FLEET_SIZE ?? '10'));
app.synth();
