#!/bin/sh
# One database per service, named in $SERVICE_DATABASES. The postgres image runs this from
# /docker-entrypoint-initdb.d on the first start of an empty volume only.
set -e
for database in $SERVICE_DATABASES; do
    echo "creating database $database"
    psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
        -c "CREATE DATABASE \"$database\";"
done
