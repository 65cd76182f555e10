/** The AWS stack, synthesized offline (what `cdk synth` emits) and checked where mistakes are costly. */
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { TallyStack } from '../deploy/cdk/stack.ts';

let template: Template;
beforeAll(() => {
  const app = new App();
  template = Template.fromStack(new TallyStack(app, 'Tally', { image: 'registry.example/tally:test' }));
});

describe('the AWS stack', () => {
  it('encrypts the database and the bucket at rest, and the bucket is never public', () => {
    template.hasResourceProperties('AWS::RDS::DBInstance', { StorageEncrypted: true, Engine: 'postgres' });
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [Match.objectLike({})] },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 7, Status: 'Enabled' })] },
    });
  });

  it('runs two Fargate tasks behind an HTTPS listener whose health check is /readyz', () => {
    template.hasResourceProperties('AWS::ECS::Service', { DesiredCount: 2, LaunchType: 'FARGATE' });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Protocol: 'HTTPS',
      Port: 443,
      Certificates: [{ CertificateArn: { Ref: 'CertificateArn' } }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/readyz',
    });
    expect(Object.keys(template.toJSON().Parameters)).toContain('CertificateArn');
  });

  it('gives the task role only its own bucket, and secrets only through the execution role', () => {
    const policies = template.findResources('AWS::IAM::Policy');
    const taskRole = Object.keys(template.findResources('AWS::IAM::Role')).find((id) =>
      id.startsWith('TaskTaskRole'),
    );
    const taskPolicies = Object.values(policies).filter((p) =>
      JSON.stringify(p.Properties.Roles).includes(`"${taskRole}"`),
    );
    expect(taskPolicies).toHaveLength(1);
    const statements = taskPolicies[0]?.Properties.PolicyDocument.Statement as {
      Action: string | string[];
      Resource: unknown;
    }[];
    for (const statement of statements) {
      for (const action of [statement.Action].flat()) expect(action).toMatch(/^s3:/);
      expect(JSON.stringify(statement.Resource)).toMatch(/Assets/);
      expect(JSON.stringify(statement.Resource)).not.toContain('"*"');
    }
    const secretReads = Object.values(policies).flatMap((p) =>
      (p.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]).filter(
        (s) => [s.Action].flat().includes('secretsmanager:GetSecretValue'),
      ),
    );
    expect(secretReads.length).toBeGreaterThan(0);
    for (const s of secretReads) expect(JSON.stringify(s.Resource)).toMatch(/BotSecrets/);
  });

  it('keeps logs and alarms on 5xx, latency and restarting tasks', () => {
    template.resourceCountIs('AWS::Logs::LogGroup', 1);
    template.resourceCountIs('AWS::CloudWatch::Alarm', 3);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RunningTaskCount',
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 2,
    });
  });
});
