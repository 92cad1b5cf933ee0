import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'

/** One user to create with `django.contrib.auth`. */
export interface DjangoUserSpec {
  username: string
  /** Set with `set_password` (hashed by `hasher`); null: `set_unusable_password()`. */
  password: string | null
  /** A Django hasher algorithm (`pbkdf2_sha256`, `pbkdf2_sha1`); default: Django's first. */
  hasher?: string
  /** An encoded hash written as is, for hashers whose library is not installed (argon2). */
  rawHash?: string
  isActive?: boolean
}

/** Where the Django project keeps its database. */
export type DjangoDatabase = { sqlite: string } | { postgres: { schema: string } }

/** The Python that has Debian's python3-django (and python3-psycopg2 for PostgreSQL). */
export const PYTHON = '/usr/bin/python3'

/** Whether `PYTHON` can import Django (and, for PostgreSQL, psycopg2): why not, or ''. */
export function djangoMissing(needPostgres: boolean): string {
  const modules = needPostgres ? 'django, psycopg2' : 'django'
  try {
    execFileSync(PYTHON, ['-c', `import ${modules}`], { stdio: 'pipe' })
    return ''
  } catch {
    return `${PYTHON} cannot import ${modules} (apt-get install python3-django${needPostgres ? ' python3-psycopg2' : ''})`
  }
}

/**
 * Makes a real Django database in `dir`: a settings module with `django.contrib.auth`,
 * `manage.py migrate`, then `users` created through Django's own `User` model and
 * password hashers — the `auth_user` table exactly as a Django project has it. On
 * PostgreSQL (127.0.0.1:5432, database `test`, user `postgres`) everything lives in
 * `schema`, which must exist. Answers the encoded hashes Django stored, by username.
 */
export function createDjangoUsers(
  dir: string,
  database: DjangoDatabase,
  users: DjangoUserSpec[],
): Record<string, string> {
  const db =
    'sqlite' in database
      ? `{'ENGINE': 'django.db.backends.sqlite3', 'NAME': ${JSON.stringify(database.sqlite)}}`
      : `{'ENGINE': 'django.db.backends.postgresql', 'NAME': 'test', 'USER': 'postgres', 'HOST': '127.0.0.1', 'PORT': '5432', 'OPTIONS': {'options': '-c search_path=${database.postgres.schema}'}}`
  writeFileSync(
    join(dir, 'tessera_django_settings.py'),
    `SECRET_KEY = 'tessera-test-only'
INSTALLED_APPS = ['django.contrib.auth', 'django.contrib.contenttypes']
DATABASES = {'default': ${db}}
USE_TZ = True
DEFAULT_AUTO_FIELD = 'django.db.models.AutoField'
`,
  )
  const script = `
import json, os, sys
sys.path.insert(0, ${JSON.stringify(dir)})
os.environ['DJANGO_SETTINGS_MODULE'] = 'tessera_django_settings'
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import User
call_command('migrate', verbosity=0)
stored = {}
for spec in json.loads(sys.stdin.read()):
    user = User(username=spec['username'], is_active=spec.get('isActive', True))
    if spec.get('rawHash'):
        user.password = spec['rawHash']
    elif spec['password'] is None:
        user.set_unusable_password()
    elif spec.get('hasher'):
        user.password = make_password(spec['password'], hasher=spec['hasher'])
    else:
        user.set_password(spec['password'])
    user.save()
    stored[user.username] = User.objects.get(pk=user.pk).password
print(json.dumps(stored))
`
  const out = execFileSync(PYTHON, ['-c', script], {
    input: JSON.stringify(users),
    stdio: ['pipe', 'pipe', 'pipe'],
    timeout: 120_000,
  })
  return JSON.parse(out.toString()) as Record<string, string>
}
