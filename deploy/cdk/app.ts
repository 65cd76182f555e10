/** `npx cdk synth --app "npx tsx deploy/cdk/app.ts"`: the Tally stack, with the image from TALLY_IMAGE. */
import { App } from 'aws-cdk-lib';
import { TallyStack } from './stack.ts';

const app = new App();
new TallyStack(app, 'Tally', {
  image: process.env.TALLY_IMAGE ?? 'ghcr.io/example/tally:latest',
  env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION },
});
app.synth();
