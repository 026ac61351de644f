bind = ['0.0.0.0:8000']
chdir = '/flask/app'
accesslog = '-'
errorlog = '-'
statsd_host = 'localhost:9125'