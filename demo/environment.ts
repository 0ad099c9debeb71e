import type { Emulator } from '../test/emulator/index.ts';

/** What `terraform apply` of the environment module would have made, in the emulator. */
export function seedEnvironment(emulator: Emulator, name: string): void {
  emulator.createCluster(name);
  for (const [service, command] of [
    ['gunicorn', ['gunicorn', 'backend.wsgi', '-b', '0.0.0.0:8000']],
    ['celery', ['celery', '-A', 'backend.celery_app:app', 'worker']],
    ['beat', ['celery', '-A', 'backend.celery_app:app', 'beat']],
    ['migrate', ['python', 'manage.py', 'migrate', '--no-input']],
  ] as const) {
    emulator.registerTaskDefinition(
      {
        family: `${name}-${service}`,
        requiresCompatibilities: ['FARGATE'],
        networkMode: 'awsvpc',
        cpu: '512',
        memory: '1024',
        containerDefinitions: [
          {
            name: service,
            image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/backend:v0',
            essential: true,
            command: [...command],
            environment: [{ name: 'DJANGO_SETTINGS_MODULE', value: 'backend.settings.production' }],
            logConfiguration: {
              logDriver: 'awslogs',
              options: {
                'awslogs-group': `/ecs/${name}`,
                'awslogs-region': 'us-east-1',
                'awslogs-stream-prefix': service,
              },
            },
          },
        ],
      },
      [{ key: 'environment', value: name }],
    );
  }
}
