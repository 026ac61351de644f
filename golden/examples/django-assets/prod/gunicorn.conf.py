bind = ['0.0.0.0:8000']
chdir = '/django/app'
accesslog = '-'
errorlog = '-'
statsd_host = 'localhost:9125'