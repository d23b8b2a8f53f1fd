# One image recipe for every service; docker-compose.yml passes the module.
# Build the jars first: mvn -B -DskipTests package
FROM eclipse-temurin:17-jre
ARG MODULE
ARG HEAP=512m
RUN groupadd --system --gid 10001 maas \
 && useradd --system --uid 10001 --gid maas --home-dir /var/lib/maas --shell /usr/sbin/nologin maas \
 && install -d -o maas -g maas /app /var/lib/maas
COPY ${MODULE}/target/lib /app/lib
COPY ${MODULE}/target/${MODULE}.jar /app/service.jar
ENV MAAS_HOME=/var/lib/maas \
    JAVA_HEAP=${HEAP}
WORKDIR /app
USER maas
ENTRYPOINT ["sh", "-c", "exec java -Xmx${JAVA_HEAP} -jar /app/service.jar"]
