import { expect, test } from '@jest/globals';
import { parseCommand } from './command.ts';

test.each([
  ['python manage.py migrate --no-input', ['python', 'manage.py', 'migrate', '--no-input']],
  ['  sh -c "echo \\"hi\\" && exit 3"  ', ['sh', '-c', 'echo "hi" && exit 3']],
  ["psql -c 'SELECT 1; -- $HOME'", ['psql', '-c', 'SELECT 1; -- $HOME']],
  ['a\\ b "" c', ['a b', '', 'c']],
  ['["python", "manage.py", "shell", "-c", "print(1)"]', ['python', 'manage.py', 'shell', '-c', 'print(1)']],
  ['', []],
])('parseCommand(%p)', (text, argv) => {
  expect(parseCommand('command', text)).toEqual(argv);
});

test.each([
  ['echo "open', 'Input "command" has an unclosed " quote.'],
  ['["a", 1]', 'Input "command" must be a JSON array of strings.'],
  ['[nope', /^Input "command" is not a valid JSON array/],
])('parseCommand(%p) names the input', (text, message) => {
  expect(() => parseCommand('command', text)).toThrow(message);
});
