/**
 * Tally on AWS: VPC → RDS PostgreSQL (app database) → Secrets Manager (bot and warehouse secrets)
 * → S3 (charts and exports, private, expiring) → ECS Fargate, two tasks behind an HTTPS ALB →
 * CloudWatch logs and alarms. The task role may touch only its bucket; the execution role may
 * read only its secrets.
 */
import {
  aws_certificatemanager as acm,
  CfnParameter,
  aws_cloudwatch as cloudwatch,
  Duration,
  aws_ec2 as ec2,
  aws_ecs as ecs,
  aws_elasticloadbalancingv2 as elbv2,
  aws_logs as logs,
  RemovalPolicy,
  aws_rds as rds,
  Stack,
  type StackProps,
  aws_s3 as s3,
  aws_secretsmanager as secretsmanager,
} from 'aws-cdk-lib';
import type { Construct } from 'constructs';

export interface TallyStackProps extends StackProps {
  /** The image to run (built from deploy/Dockerfile and pushed to a registry). */
  image: string;
  /** Days chart images and CSV exports stay in the bucket. */
  assetDays?: number;
}

export class TallyStack extends Stack {
  constructor(scope: Construct, id: string, props: TallyStackProps) {
    super(scope, id, props);
    const certificateArn = new CfnParameter(this, 'CertificateArn', {
      type: 'String',
      description: 'ACM certificate for the HTTPS listener (the host in PUBLIC_URL)',
    });
    const publicUrl = new CfnParameter(this, 'PublicUrl', {
      type: 'String',
      description: 'https://<host> the ALB answers at (Teams messaging endpoint, Slack request URL)',
    });

    const vpc = new ec2.Vpc(this, 'Vpc', { maxAzs: 2, natGateways: 1 });

    const database = new rds.DatabaseInstance(this, 'AppDatabase', {
      engine: rds.DatabaseInstanceEngine.postgres({ version: rds.PostgresEngineVersion.VER_16 }),
      vpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL),
      databaseName: 'tally',
      credentials: rds.Credentials.fromGeneratedSecret('tally'),
      storageEncrypted: true,
      backupRetention: Duration.days(7),
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
    });

    // Filled in after deployment (deploy/README.md): the warehouse URL and the doors' secrets.
    const secrets = new secretsmanager.Secret(this, 'BotSecrets', {
      description: 'Tally: ANALYTICS_DB_URL, DATABASE_URL, MicrosoftAppPassword, SLACK_*, METRICS_TOKEN',
      secretObjectValue: {},
    });

    const bucket = new s3.Bucket(this, 'Assets', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: Duration.days(props.assetDays ?? 7) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    const cluster = new ecs.Cluster(this, 'Cluster', {
      vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });
    const logGroup = new logs.LogGroup(this, 'Logs', { retention: logs.RetentionDays.ONE_MONTH });
    const task = new ecs.FargateTaskDefinition(this, 'Task', { cpu: 512, memoryLimitMiB: 1024 });
    const secret = (field: string) => ecs.Secret.fromSecretsManager(secrets, field);
    task.addContainer('tally', {
      image: ecs.ContainerImage.fromRegistry(props.image),
      portMappings: [{ containerPort: 3978 }],
      logging: ecs.LogDrivers.awsLogs({ logGroup, streamPrefix: 'tally' }),
      environment: {
        HOST: '0.0.0.0',
        PORT: '3978',
        PUBLIC_URL: publicUrl.valueAsString,
        S3_BUCKET: bucket.bucketName,
        AWS_REGION: this.region,
        TALLY_PLAYGROUND: '0',
      },
      secrets: {
        ANALYTICS_DB_URL: secret('ANALYTICS_DB_URL'),
        DATABASE_URL: secret('DATABASE_URL'),
        MicrosoftAppId: secret('MicrosoftAppId'),
        MicrosoftAppPassword: secret('MicrosoftAppPassword'),
        SLACK_BOT_TOKEN: secret('SLACK_BOT_TOKEN'),
        SLACK_SIGNING_SECRET: secret('SLACK_SIGNING_SECRET'),
        METRICS_TOKEN: secret('METRICS_TOKEN'),
      },
    });
    // Least privilege: the running task may put and read objects in its bucket, nothing else.
    bucket.grantReadWrite(task.taskRole);

    const service = new ecs.FargateService(this, 'Service', {
      cluster,
      taskDefinition: task,
      desiredCount: 2,
      minHealthyPercent: 100,
      circuitBreaker: { rollback: true },
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS },
    });
    database.connections.allowDefaultPortFrom(service);

    const alb = new elbv2.ApplicationLoadBalancer(this, 'Alb', { vpc, internetFacing: true });
    alb.addRedirect({ sourcePort: 80, targetPort: 443 });
    const listener = alb.addListener('Https', {
      port: 443,
      certificates: [acm.Certificate.fromCertificateArn(this, 'Certificate', certificateArn.valueAsString)],
      sslPolicy: elbv2.SslPolicy.RECOMMENDED_TLS,
    });
    const target = listener.addTargets('Tally', {
      port: 3978,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [service],
      healthCheck: { path: '/readyz', healthyHttpCodes: '200', interval: Duration.seconds(15) },
      deregistrationDelay: Duration.seconds(30),
    });

    const alarm = (
      id: string,
      metric: cloudwatch.IMetric,
      threshold: number,
      description: string,
      comparisonOperator = cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    ) =>
      new cloudwatch.Alarm(this, id, {
        metric,
        threshold,
        comparisonOperator,
        evaluationPeriods: 3,
        alarmDescription: description,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    alarm(
      'Http5xx',
      target.metrics.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period: Duration.minutes(1) }),
      5,
      'Tally answers with 5xx',
    );
    alarm(
      'Latency',
      target.metrics.targetResponseTime({ period: Duration.minutes(1), statistic: 'p95' }),
      5,
      'p95 response time over 5 s (Teams gives a bot 15 s)',
    );
    alarm(
      'TaskRestarts',
      new cloudwatch.Metric({
        namespace: 'ECS/ContainerInsights',
        metricName: 'RunningTaskCount',
        dimensionsMap: { ClusterName: cluster.clusterName, ServiceName: service.serviceName },
        period: Duration.minutes(1),
        statistic: 'Minimum',
      }),
      2,
      'Fewer than two tasks running (tasks restarting)',
      cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    );
  }
}
