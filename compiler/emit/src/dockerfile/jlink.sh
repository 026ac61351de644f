if [ -z "${JAVA_HOME+x}" ]; then
    JAVA_HOME=$(dirname $(dirname $(readlink -f $(which jlink))))
fi
if [ ! -x "${JAVA_HOME}/bin/java" ]; then
    echo "Error: JAVA_HOME: '${JAVA_HOME}/bin/java' is not an executable." >&2
    exit 1
fi
JLINK=${JAVA_HOME}/bin/jlink
JDEPS=${JAVA_HOME}/bin/jdeps
JLINK_VERSION=$(${JLINK} --version)
DEST=usr/lib/jvm/java-${JLINK_VERSION%%.*}-openjdk-${CRAFT_ARCH_BUILD_FOR}
INSTALL_ROOT=${CRAFT_PART_INSTALL}/${DEST}
MULTI_RELEASE=base
PROCESS_JARS=$(find ${CRAFT_STAGE} -type f -name "*.jar")
mkdir -p "${CRAFT_PART_BUILD}/tmp" && (cd "${CRAFT_PART_BUILD}/tmp" && for jar in ${PROCESS_JARS}; do jar xvf "${jar}"; done;)
CPATH=.
for file in $(find "${CRAFT_PART_BUILD}/tmp" -type f -name "*.jar"); do
    CPATH="$CPATH:${file}"
done
for file in $(find "${CRAFT_STAGE}" -type f -name "*.jar"); do
    CPATH="$CPATH:${file}"
done
if [ "x${PROCESS_JARS}" != "x" ]; then
    deps=$(${JDEPS} --print-module-deps -q --recursive --ignore-missing-deps --multi-release ${MULTI_RELEASE} --class-path=${CPATH} ${PROCESS_JARS})
else
    deps=java.base
fi
rm -rf ${INSTALL_ROOT} && ${JLINK} --no-header-files --no-man-pages --strip-debug --add-modules ${deps} --output ${INSTALL_ROOT}
(cd ${CRAFT_PART_INSTALL} && mkdir -p usr/bin && ln -s --relative ${DEST}/bin/java usr/bin/)
